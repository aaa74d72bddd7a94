import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;

/**
 * Creates or rotates SCRAM users on a running broker, many in one JVM start (kafkajs has no
 * AlterUserScramCredentials, and kafka-configs.sh takes one user per JVM start of ~3 s).
 * Run with the broker's classpath: java -cp 'libs/*' ScramUsers.java <bootstrap> [--keep-existing]
 * stdin: first line "adminUser<TAB>adminPassword", then one "user<TAB>password" per line.
 * Passwords travel on stdin, never in arguments (visible to every local user in ps).
 * --keep-existing leaves users that already have credentials alone (idempotent provisioning).
 */
public class ScramUsers {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String[] admin = in.readLine().split("\t", 2);
    List<String[]> users = new ArrayList<>();
    for (String line = in.readLine(); line != null; line = in.readLine()) if (!line.isBlank()) users.add(line.split("\t", 2));
    boolean keepExisting = args.length > 1 && args[1].equals("--keep-existing");

    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("security.protocol", "SASL_PLAINTEXT");
    props.put("sasl.mechanism", "SCRAM-SHA-256");
    props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + admin[0] + "\" password=\"" + admin[1] + "\";");
    props.put("request.timeout.ms", "15000");
    props.put("default.api.timeout.ms", "30000");
    try (Admin client = Admin.create(props)) {
      Map<String, UserScramCredentialsDescription> existing = client.describeUserScramCredentials().all().get();
      // Both mechanisms, so a client may use either (kafkajs supports both); the broker takes one
      // alteration per user in a request, hence one request per mechanism.
      for (ScramMechanism mechanism : new ScramMechanism[] {ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512}) {
        List<UserScramCredentialAlteration> changes = new ArrayList<>();
        for (String[] user : users) {
          if (keepExisting && existing.containsKey(user[0])) continue;
          changes.add(new UserScramCredentialUpsertion(user[0], new ScramCredentialInfo(mechanism, 8192), user[1]));
        }
        if (!changes.isEmpty()) client.alterUserScramCredentials(changes).all().get();
      }
      for (String[] user : users) System.out.println((keepExisting && existing.containsKey(user[0]) ? "kept " : "set ") + user[0]);
    }
  }
}

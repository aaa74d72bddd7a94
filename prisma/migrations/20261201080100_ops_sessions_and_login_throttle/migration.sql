-- Console sessions live in the database, not in the cookie: the cookie carries only an opaque id
-- (its sha256 is the key here), so signing out or removing the user ends the session at once.
-- Deleting an ops user deletes its sessions; every request reads the user's current role.
CREATE TABLE "ops_session" (
    "id_hash" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "ops_session_pkey" PRIMARY KEY ("id_hash"),
    CONSTRAINT "ops_session_username_fkey" FOREIGN KEY ("username") REFERENCES "ops_user"("username") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "ops_session_username_idx" ON "ops_session"("username");
CREATE INDEX "ops_session_expires_at_idx" ON "ops_session"("expires_at");

-- Failed sign-ins per user name and per client address, shared by every console instance:
-- progressive lockout counts here (unknown user names too, so a lockout does not reveal accounts).
CREATE TABLE "ops_login_throttle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "last_failure_at" TIMESTAMPTZ(3) NOT NULL,
    "locked_until" TIMESTAMPTZ(3),
    CONSTRAINT "ops_login_throttle_pkey" PRIMARY KEY ("key")
);
CREATE INDEX "ops_login_throttle_last_failure_at_idx" ON "ops_login_throttle"("last_failure_at");

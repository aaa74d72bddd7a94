/** The sign-in page: a plain form (works without the console's script) posting to the session API. */
export function loginPageHtml(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Kuruma Cover ops: sign in</title><link rel="stylesheet" href="/assets/console.css"></head>
<body class="login"><main><h1>Kuruma Cover ops console</h1>
<form id="login" method="post" action="/api/session">
<label for="username">User name</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button><p id="login-error" role="alert"></p></form></main>
<script src="/assets/login.js"></script></body></html>`;
}

// Posts the sign-in form as JSON and moves on to the console; shows the server's reason otherwise.
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await fetch('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
  });
  if (response.ok) return window.location.assign('/');
  const problem = await response.json().catch(() => ({}));
  document.getElementById('login-error').textContent = problem.detail || 'Sign-in failed';
});

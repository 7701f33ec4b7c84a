// Token login: the service's bearer tokens (admin or reader). The token stays in this tab's session
// storage and goes with every API call; nothing else is stored.
import { useState } from 'preact/hooks';
import { probeRole, setToken, type Role } from './api.js';

export function Login({ onLogin, message }: { onLogin: (role: Role) => void; message?: string }) {
  const [token, setValue] = useState('');
  const [error, setError] = useState<string | null>(message ?? null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setToken(token.trim());
    try {
      const role = await probeRole();
      if (role === 'none') {
        setToken(null);
        setError('The service refused this token.');
      } else onLogin(role);
    } catch (err) {
      setToken(null);
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="login card" onSubmit={submit}>
      <h2>ironplan console</h2>
      <p class="muted">This service asks for a token (an admin's or a reader's).</p>
      <label>
        Token
        <input type="password" name="token" autocomplete="current-password" value={token} onInput={(e) => setValue((e.target as HTMLInputElement).value)} autofocus />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy || !token.trim()}>Log in</button>
    </form>
  );
}

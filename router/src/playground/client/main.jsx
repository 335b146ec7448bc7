// Browser entry of the analysts' playground: GraphiQL from npm, bundled by esbuild into the router's own
// static assets (see ../assets.ts). Nothing here may load anything from another host. Around GraphiQL: the
// sign-in bar (session.js), the fetcher that applies its token everywhere and shows every failure as
// GraphQL errors (fetcher.js), and the sidebar views (views.jsx).
import { GraphiQL } from "graphiql";
import { StrictMode, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import "graphiql/style.css";
import "./playground.css";
import { EXAMPLE_TABS } from "../examples.ts";
import { createFetcher } from "./fetcher.js";
import { configureSession, sessionProblem, signIn, signOut } from "./session.js";
import { PLUGINS, useSession } from "./views.jsx";

const root = document.getElementById("graphiql");
const endpoint = new URL(root.dataset.endpoint, window.location.href);
const subscriptionEndpoint = new URL(root.dataset.subscriptionEndpoint || endpoint.pathname, window.location.href);
subscriptionEndpoint.protocol = subscriptionEndpoint.protocol === "https:" ? "wss:" : "ws:";
configureSession(endpoint.href);

function ErrorList({ errors }) {
  if (!errors?.length) return null;
  return (
    <ul className="fb-errors" role="alert">
      {errors.map((error, index) => (
        <li key={index}>
          {error.message}
          {error.extensions?.code ? <code className="fb-code">{error.extensions.code}</code> : null}
          {error.path ? <span className="fb-path"> at {error.path.join(".")}</span> : null}
        </li>
      ))}
    </ul>
  );
}

function SignInBar() {
  const session = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [needsTotp, setNeedsTotp] = useState(false);
  const [errors, setErrors] = useState(null);
  const [busy, setBusy] = useState(false);

  if (session) {
    return (
      <header className="fb-bar">
        <strong>FedBank</strong>
        <span id="fb-signed-in">
          Signed in as {session.user.email} ({session.user.role}): every tab and subscription uses this session.
        </span>
        <button type="button" id="fb-sign-out" className="fb-button" onClick={() => void signOut()}>Sign out</button>
      </header>
    );
  }
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setErrors(null);
    try {
      await signIn(email, password, needsTotp ? totp : undefined);
      setPassword("");
      setTotp("");
      setNeedsTotp(false);
    } catch (error) {
      if (error.code === "MFA_REQUIRED") setNeedsTotp(true);
      setErrors(error.errors ?? [{ message: String(error.message) }]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <header className="fb-bar">
      <strong>FedBank</strong>
      <form id="fb-sign-in" className="fb-sign-in" onSubmit={submit}>
        <input id="fb-email" type="email" autoComplete="username" placeholder="e-mail" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <input id="fb-password" type="password" autoComplete="current-password" placeholder="password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        {needsTotp ? (
          <input id="fb-totp" inputMode="numeric" autoComplete="one-time-code" placeholder="TOTP or recovery code" required value={totp} onChange={(event) => setTotp(event.target.value)} />
        ) : null}
        <button type="submit" className="fb-button" disabled={busy}>Sign in</button>
      </form>
      <ErrorList errors={errors ?? sessionProblem()} />
    </header>
  );
}

function Playground() {
  const session = useSession();
  // A new fetcher when the signed-in user changes, so GraphiQL re-reads the schema with the new token.
  const user = session ? `${session.user.email}/${session.user.role}` : "";
  const fetcher = useMemo(() => createFetcher(endpoint.href, subscriptionEndpoint.href), [user]);
  return (
    <div className="fb-app">
      <SignInBar />
      <div className="fb-ide">
        <GraphiQL
          fetcher={fetcher}
          plugins={PLUGINS}
          defaultTabs={EXAMPLE_TABS.map(({ query, variables }) => ({ query, variables, headers: "" }))}
          defaultEditorToolsVisibility="headers"
          isHeadersEditorEnabled
          shouldPersistHeaders={false}
        />
      </div>
    </div>
  );
}

createRoot(root).render(
  <StrictMode>
    <Playground />
  </StrictMode>,
);

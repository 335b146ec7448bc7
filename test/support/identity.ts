// Helpers for the identity tests: full login/registration payloads (with refresh tokens), TOTP codes as an
// authenticator app would show them, and direct reads of the users tables to check what was stored.
import { decodeJwt, decodeProtectedHeader } from "jose";
import { totpCodeAt } from "../../subgraphs/users/src/mfa.js";
import { graphql, type GraphQLResponse } from "./stack.js";

export const AUTH_FIELDS = /* GraphQL */ `accessToken refreshToken tokenType expiresIn user { id email name role status mfaEnabled }`;

export const LOGIN_FULL = /* GraphQL */ `
  mutation Login($email: String!, $password: String!, $totp: String) {
    login(email: $email, password: $password, totp: $totp) { ${AUTH_FIELDS} }
  }`;

export const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;

export const REFRESH = /* GraphQL */ `
  mutation Refresh($token: String!) { refreshToken(token: $token) { ${AUTH_FIELDS} } }`;

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  user: { id: string; email: string; name: string; role: string; status: string; mfaEnabled: boolean };
}

export function errorCode(response: GraphQLResponse): string | undefined {
  return response.body.errors?.[0]?.extensions?.code;
}

function payloadOf(response: GraphQLResponse, field: string): AuthPayload {
  const payload = (response.body.data as Record<string, AuthPayload> | null | undefined)?.[field];
  if (!payload) throw new Error(`${field} failed: ${JSON.stringify(response.body.errors)}`);
  return payload;
}

export async function loginFull(url: string, email: string, password: string, totp?: string) {
  return graphql(url, LOGIN_FULL, { email, password, ...(totp ? { totp } : {}) });
}

export async function signIn(url: string, email: string, password: string, totp?: string): Promise<AuthPayload> {
  return payloadOf(await loginFull(url, email, password, totp), "login");
}

export async function registerUser(url: string, input: { email: string; password: string; name: string }) {
  return graphql(url, REGISTER, { input });
}

export async function signUp(url: string, input: { email: string; password: string; name: string }): Promise<AuthPayload> {
  return payloadOf(await registerUser(url, input), "register");
}

export async function refresh(url: string, token: string) {
  return graphql(url, REFRESH, { token });
}

/** A unique email for one test. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@identity.test`;
}

/** A password that passes the policy. */
export const STRONG_PASSWORD = "violet-harbour-sings-42";

/** The code an authenticator shows now; `offsetSteps` moves it by 30-second steps. */
export function totpNow(secret: string, offsetSteps = 0): string {
  return totpCodeAt(secret, Date.now() + offsetSteps * 30_000);
}

export function claimsOf(accessToken: string) {
  return { header: decodeProtectedHeader(accessToken), payload: decodeJwt(accessToken) };
}

export const ME = /* GraphQL */ `{ me { id email name role status mfaEnabled } }`;

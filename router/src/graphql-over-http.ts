// GraphQL-over-HTTP status codes for clients that accept only `application/json` (the spec's "legacy"
// media type): a request that fails before execution (the document does not parse, does not validate, or
// its variables cannot be coerced) SHOULD be answered 200 with the errors in the body, because such
// clients (and intermediaries) treat a 4xx as a transport failure and never show the GraphQL errors.
// Clients accepting `application/graphql-response+json` keep the 4xx. Only the status changes: CSRF
// prevention, limits, authentication and rate limits answer before this and keep their own statuses.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";

/** Error codes of requests refused before execution that the spec answers with 200 under application/json. */
const REQUEST_ERROR_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]);

/** The `q` of each media range in an Accept header, in the order given. */
function mediaRanges(accept: string): { type: string; q: number }[] {
  return accept.split(",").map((part) => {
    const [type = "", ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith("q="));
    return { type, q: q ? Number(q.slice(2)) || 0 : 1 };
  });
}

/** True when the response to this Accept header is `application/json` (as Apollo Server negotiates it). */
export function answersWithLegacyJson(accept: string | undefined): boolean {
  if (!accept) return true;
  const ranges = mediaRanges(accept);
  const quality = (matches: (type: string) => boolean) => {
    const index = ranges.findIndex((range) => matches(range.type));
    return index < 0 ? { q: 0, index: Infinity } : { q: ranges[index]!.q, index };
  };
  const json = quality((type) => type === "application/json");
  const wildcard = quality((type) => type === "*/*" || type === "application/*");
  const graphqlResponse = quality((type) => type === "application/graphql-response+json");
  // An explicit application/json wins over a wildcard; a wildcard alone means application/json.
  const legacy = json.q > 0 ? json : graphqlResponse.q > 0 ? { q: 0, index: Infinity } : wildcard;
  if (legacy.q <= 0) return false;
  return legacy.q > graphqlResponse.q || (legacy.q === graphqlResponse.q && legacy.index < graphqlResponse.index);
}

export function legacyJsonStatusPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      if (!answersWithLegacyJson(request.http?.headers.get("accept"))) return;
      return {
        async willSendResponse({ response }) {
          if (response.http.status !== 400 || response.body.kind !== "single") return;
          const { data, errors } = response.body.singleResult;
          if (data !== undefined || !errors?.length) return;
          if (errors.every((error) => REQUEST_ERROR_CODES.has(String(error.extensions?.code)))) response.http.status = 200;
        },
      };
    },
  };
}

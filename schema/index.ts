// The public contract of the GraphQL API. schema.graphql (emitted from the API) joins it with
// the graph issue; until then the web client's operations are typed beside their features.
export const SCHEMA_PACKAGE = '@yitu/schema';

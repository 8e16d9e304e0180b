// The public contract: operations the web client sends, validated against schema.graphql by
// schema/operations.test.ts, so a schema change that breaks the map fails the build.

/** Everything the map draws at start, with light shapes (0.1 m precision). */
export const MAP_LAYERS_QUERY = /* GraphQL */ `
  query MapLayers {
    regions(first: 500) {
      nodes {
        id
        code
        name
        level
        boundary(precision: 6)
      }
    }
    compounds(first: 500) {
      totalCount
      nodes {
        id
        code
        name
        households
        propertyCompany {
          name
          hasPartyBranch
        }
        stats {
          openTickets
          overdueTickets
        }
        boundary(precision: 6)
      }
    }
    grids(first: 500) {
      nodes {
        id
        code
        name
        parent {
          code
        }
        boundary(precision: 6)
      }
    }
  }
`;

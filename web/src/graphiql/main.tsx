// GraphiQL for the API, served by the API itself at GET /graphql (see api/src/http/graphiql.ts).
// A separate Vite entry (graphiql.html): none of this code is in the map app's bundle.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
// Monaco's editor, JSON and GraphQL workers, bundled by Vite as local assets (no CDN).
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const fetcher = createGraphiQLFetcher({ url: '/graphql' });

// Shown only until the user has a query of their own (GraphiQL keeps it in localStorage).
const defaultQuery = `{
  regions(first: 5) {
    totalCount
    nodes {
      code
      name
      level
    }
  }
}
`;

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />
  </StrictMode>,
);

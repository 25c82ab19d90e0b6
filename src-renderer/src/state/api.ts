// The one client of the engine in this page.
import { createClient } from '../api/client.js';

export const api = createClient();

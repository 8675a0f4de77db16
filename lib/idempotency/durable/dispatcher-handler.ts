import { durableDispatcher } from './dispatcher';

/** The `DurableDispatcher` construct's handler: the function and scope come from its environment. */
export const handler = durableDispatcher();

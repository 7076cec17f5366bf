/** Entry point of the scheduler Lambda bundle (`dist/scheduler/index.js`): exports `handler`. */
export { handler } from './handler';

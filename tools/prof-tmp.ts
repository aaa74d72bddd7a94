import { engineQuotesPerSecond } from './bench/engine';
console.log(engineQuotesPerSecond(4000));

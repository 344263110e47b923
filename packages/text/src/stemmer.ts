/** The stemmer topic matching uses: Porter's, through the natural adapter. */
export { porterStem as stem } from './natural.js';

export declare function findChromium(): { path: string | undefined } | undefined;
export declare const CHROMIUM_ARGS: string[];
export declare const MISSING_CHROMIUM: string;

export const GENERIC_SIGN_IN_ERROR = "The email or password is incorrect.";
export const THROTTLED_SIGN_IN_ERROR = "Too many failed sign-in attempts from your address. Wait a few minutes, then try again.";

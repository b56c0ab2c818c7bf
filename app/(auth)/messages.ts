export const GENERIC_SIGN_IN_ERROR = "The email or password is incorrect.";
export const THROTTLED_SIGN_IN_ERROR = "Too many failed sign-in attempts from your address. Wait a few minutes, then try again.";
export const INVALID_CODE_ERROR = "That code is not right. Enter the 6-digit code your authenticator app shows now, or a recovery code.";
export const THROTTLED_CODE_ERROR = "Too many wrong codes. Wait a few minutes, then try again.";
export const CODE_EXPIRED_ERROR = "The sign-in took too long or had too many wrong codes. Sign in again with your password.";

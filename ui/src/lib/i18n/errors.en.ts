// The app's error sentences in English, by the same codes as the Arabic ones.
import type { ErrorCode, ErrorDetail, FieldProblem } from "../bindings";

export const errorsEn: Record<ErrorCode, string> = {
  invalid_server_url: "The server address is not valid.",
  invalid_national_id: "The national ID is not correct. Check the digits.",
  server_unreachable: "The server cannot be reached. Check the network connection and the server address in Settings.",
  server_timeout: "The server did not answer in time. Check the network and try again.",
  server_error: "The server had an error (status {status}). Try again later.",
  bad_server_response: "The server's answer could not be understood. Check that Settings point at a Masar server.",
  not_signed_in: "Sign in first.",
  not_found: "The requested data was not found on the server.",
  no_demo_employees: "The demo server has no employees. Start the server with --demo.",
  settings_not_saved:
    "The settings could not be saved on this computer. Check free space and folder permissions, then try again.",
  internal: "Something unexpected went wrong in the app. Try again; if it happens again, restart the app.",
  invalid_credentials: "The national ID or the password is not correct.",
  account_locked: "Sign-in is paused after repeated wrong attempts. Try again in {minutes} minutes.",
  challenge_invalid: "This sign-in attempt has ended. Start signing in again.",
  code_expired: "The verification code has expired. Ask for a new one.",
  code_incorrect: "The verification code is not correct. Tries left: {remaining}.",
  too_many_attempts: "Too many wrong codes. Start signing in again.",
  resend_too_soon: "You can ask for a new code in {seconds} seconds.",
  rate_limited: "Too many requests from this computer. Wait {seconds} seconds and try again.",
  session_expired: "The session has ended. Enter your password and verification code again; your data stays as it is.",
  session_revoked: "The session was ended for security reasons. Sign in again.",
  sms_unavailable: "The verification code cannot be sent now. Try again later.",
  wrong_password: "The password is not correct. Tries left before the local profile locks: {remaining}.",
  profile_locked: "The local profile is locked after repeated wrong passwords. Try again in {minutes} minutes.",
  first_sign_in_needs_network:
    "This employee has not signed in on this computer before; the first sign-in needs the network. Check the connection and try again.",
  keychain_unavailable:
    "The system keychain cannot be reached, so the local copy cannot be opened. Sign in while connected.",
  vault_unavailable: "The encrypted local copy on this computer cannot be opened. Check free space and try again.",
  password_required: "Enter the password.",
  code_format: "The verification code has six digits.",
  idle_lock_out_of_range: "The automatic lock is between 1 and 120 minutes.",
  invalid_input: "The change was not saved: correct the marked fields, then press Update.",
  previous_password_wrong: "The previous password is not correct. Enter the password you used before changing it.",
  recovery_needs_network:
    "Recovering the previous copy sends its edits to Masar, which needs the network. The copy stays as it is; try again when the connection is back.",
  edit_gone: "This edit no longer exists.",
  copy_gone: "This previous copy is no longer on this computer.",
  text_size_out_of_range: "The text size is between 100% and 200%.",
  forbidden: "You do not have permission for this action.",
  file_not_accepted: "The attached file is not accepted: it must be a complete PDF, JPEG or PNG within the allowed size, named without a path or hidden characters.",
  upload_interrupted: "The upload stopped; it resumes where it stopped by itself.",
};

export const detailsEn: Record<ErrorDetail, string> = {
  url_empty: "Enter the server address.",
  url_malformed: "The server address is not valid. Write it in full, like https://masar.example.sa",
  url_scheme: "The server address must start with https://",
  url_credentials: "Do not put a user name or password in the server address.",
  url_query_or_fragment: "Remove everything after ? or # from the server address.",
  url_insecure_remote: "Unencrypted http is allowed only for a server on this computer. Use https://",
  id_empty: "Enter the national ID.",
  id_digits: "A national ID has 10 digits.",
  id_prefix: "A national ID starts with 1 (citizen) or 2 (resident).",
  id_checksum: "The national ID is not correct. Check the digits.",
};

export const problemsEn: Record<FieldProblem, string> = {
  required: "{label} is required.",
  too_long: "{label} is longer than {limit} characters.",
  control_characters: "{label} contains characters that are not allowed.",
  mobile_format: "The mobile number is not valid. Write it as 05XXXXXXXX.",
  email_format: "The e-mail address is not valid.",
  digits: "{label} has {limit} digits.",
  latin_letters: "Write the English name in Latin letters only.",
  hr_only: "Employment data is changed by your entity's HR department, not here.",
};

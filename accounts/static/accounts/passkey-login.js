// The passkey button only works with JavaScript, so only JavaScript shows it.
document.getElementById("passkey_login").hidden = false;

namespace Actors.Gateway.Api;

/// <summary>
/// A sign-up's answer, the same whether or not the email already has an account: "confirmation_sent",
/// a mail is on its way to the address, with the confirmation link or a note that the account exists.
/// </summary>
public sealed record SignUpAcceptedResponse(string Status);

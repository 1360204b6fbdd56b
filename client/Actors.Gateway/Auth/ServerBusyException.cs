namespace Actors.Gateway.Auth;

/// <summary>This gateway sheds the request to protect itself; the caller retries after a pause (503).</summary>
public sealed class ServerBusyException(string message) : Exception(message);

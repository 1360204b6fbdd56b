namespace Actors.Gateway.Hosting;

/// <summary>Options that name each of their settings out of range, so a bad value stops the gateway at start with its name.</summary>
internal interface IValidatedSettings
{
    /// <summary>One message per setting out of range, each naming it as configuration spells it.</summary>
    IEnumerable<string> Problems();
}

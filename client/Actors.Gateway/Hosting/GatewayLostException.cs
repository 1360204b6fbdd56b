namespace Actors.Gateway.Hosting;

/// <summary>A grain call was abandoned because a gateway connection it may have used was lost; it may or may not have run.</summary>
internal sealed class GatewayLostException : Exception
{
    public GatewayLostException()
    {
    }

    public GatewayLostException(string message)
        : base(message)
    {
    }

    public GatewayLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

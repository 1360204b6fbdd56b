namespace Actors.Grains.Abstractions;

/// <summary>Names silos and clients must agree on for streams.</summary>
public static class StreamNames
{
    /// <summary>The stream provider that carries domain events relayed from the outbox.</summary>
    public const string Provider = "Events";

    /// <summary>Grain storage holding stream subscriptions (Orleans' pub-sub rendezvous state).</summary>
    public const string PubSubStore = "PubSubStore";
}

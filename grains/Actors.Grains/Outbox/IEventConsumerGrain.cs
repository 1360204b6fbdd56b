namespace Actors.Grains.Outbox;

/// <summary>
/// A consumer partition, keyed by partition number. Only streams call it, so it lives with the
/// grains, not in the assembly the gateway shares.
/// </summary>
public interface IEventConsumerGrain : IGrainWithIntegerKey;

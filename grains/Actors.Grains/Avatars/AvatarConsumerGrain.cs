using Actors.Grains.Abstractions.Events;
using Actors.Grains.Data;
using Actors.Grains.Outbox;
using Microsoft.Extensions.Logging;

namespace Actors.Grains.Avatars;

/// <summary>Hands each uploaded avatar to a worker. Idempotent: a finished upload is skipped.</summary>
[ImplicitStreamSubscription(EventRoutes.Avatars)]
public sealed class AvatarConsumerGrain(OutboxStore store, GrainMetrics metrics, TimeProvider clock, ILogger<AvatarConsumerGrain> logger)
    : EventConsumer(store, metrics, clock, logger), IEventConsumerGrain
{
    protected override string Name => EventRoutes.Avatars;

    protected override Task ApplyAsync(IDomainEvent e) =>
        e is AvatarUploaded uploaded ? GrainFactory.GetGrain<IAvatarWorkerGrain>(0).Process(uploaded.UserId, uploaded.Version) : Task.CompletedTask;
}

using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Analytics;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Analytics;

/// <summary>
/// Publishes the gateway's counted views every <see cref="ViewOptions.FlushInterval"/> as one batch on
/// the post-views stream, taking aggregator partitions in turn. A batch that cannot be published is
/// dropped: views are allowed a bounded loss, and the request path never waits for them.
/// </summary>
internal sealed partial class ViewPublisher(
    IClusterClient cluster, ViewCounter counter, IOptions<ViewOptions> options, ILogger<ViewPublisher> logger) : BackgroundService
{
    private readonly ViewOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var partition = 0L;
        using var timer = new PeriodicTimer(_options.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await PublishAsync(partition++ % _options.Partitions).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: publish what was counted last.
            await PublishAsync(partition % _options.Partitions).ConfigureAwait(false);
        }
    }

    private async Task PublishAsync(long partition)
    {
        if (counter.Take() is not { } batch)
        {
            return;
        }

        try
        {
            var stream = cluster.GetStreamProvider(StreamNames.Provider).GetStream<PostViews>(StreamId.Create(PostViews.StreamNamespace, partition));
            await stream.OnNextAsync(batch).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException or InvalidOperationException)
        {
            LogDropped(logger, batch.PostIds.Length, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped the views of {Posts} posts: {Reason}")]
    private static partial void LogDropped(ILogger logger, int posts, string reason);
}

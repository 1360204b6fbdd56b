using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Actors.Stack.Tests.Infrastructure;

/// <summary>
/// Steady background traffic against a stack's gateway, as its users would send it: hot profile reads,
/// post reads and post writes (with an Idempotency-Key), from a fixed number of concurrent clients, for
/// a bounded time. Every answer that is not 2xx or 3xx, and every exception, counts as a failure.
/// </summary>
internal sealed class LoadLoop : IAsyncDisposable
{
    private const int ExamplesKept = 10;
    private readonly LoadData _data;
    private readonly CancellationTokenSource _stop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<string> _examples = new();
    private readonly ConcurrentBag<Guid> _created = [];
    private readonly Task _workers;
    private long _sent;
    private long _failed;
    private long _slowestTicks;

    private LoadLoop(LoadData data, int clients, TimeSpan limit)
    {
        _data = data;
        _stop = new CancellationTokenSource(limit);
        _workers = Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(() => RunAsync(i))));
    }

    /// <summary>Requests answered (or failed) so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));

    /// <summary>Posts the loop created (201), so a test can read every one of them back.</summary>
    public IReadOnlyCollection<Guid> CreatedPosts => _created;

    /// <summary>What went wrong, for an assert message: the first failures, each with its time into the run.</summary>
    public string Examples => _examples.IsEmpty ? "none" : string.Join('\n', _examples);

    /// <summary>Starts <paramref name="clients"/> concurrent clients that run until stopped or for at most <paramref name="limit"/>.</summary>
    public static LoadLoop Start(LoadData data, int clients, TimeSpan limit) => new(data, clients, limit);

    /// <summary>
    /// Lets the load run for <paramref name="duration"/> more, and until at least <paramref name="requests"/>
    /// more requests were answered (the load is really flowing, however slow the machine).
    /// </summary>
    public async Task RunForAsync(TimeSpan duration, long requests)
    {
        var target = Sent + requests;
        var until = DateTime.UtcNow + duration;
        var deadline = until + TimeSpan.FromSeconds(60);
        while (Sent < target || DateTime.UtcNow < until)
        {
            if (DateTime.UtcNow > deadline || _workers.IsCompleted)
            {
                throw new TimeoutException($"the load loop answered {Sent} requests, waiting for {target}; failures: {Examples}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Stops the clients and waits for the requests they have in flight.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _workers;
    }

    public override string ToString() =>
        $"{Sent} requests in {_clock.Elapsed.TotalSeconds:F1} s, {Failed} failed, slowest {Slowest.TotalMilliseconds:F0} ms";

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(int worker)
    {
        var random = new Random(worker);
        while (!_stop.IsCancellationRequested)
        {
            // Mostly hot reads, as a social application's traffic is; one request in eight writes.
            var pick = random.Next(8);
            var started = Stopwatch.GetTimestamp();
            string what;
            try
            {
                if (pick < 4)
                {
                    var user = _data.Readers[random.Next(_data.Readers.Count)];
                    what = $"GET /api/users/{user.Id}";
                    using var response = await _data.Anonymous.GetAsync($"/api/users/{user.Id}", CancellationToken.None);
                    await CountAsync(what, response);
                }
                else if (pick < 7)
                {
                    var post = _data.Readers[random.Next(_data.Readers.Count)].PostId;
                    what = $"GET /api/posts/{post}";
                    using var response = await _data.Anonymous.GetAsync($"/api/posts/{post}", CancellationToken.None);
                    await CountAsync(what, response);
                }
                else
                {
                    var writer = _data.Writers[random.Next(_data.Writers.Count)];
                    what = "POST /api/posts";
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts")
                    {
                        Content = JsonContent.Create(new { body = $"load {worker} at {_clock.ElapsedMilliseconds} ms" }),
                    };
                    request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                    using var response = await writer.SendAsync(request, CancellationToken.None);
                    if (await CountAsync(what, response) && response.StatusCode == HttpStatusCode.Created)
                    {
                        var created = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
                        _created.Add(created.GetProperty("id").GetGuid());
                    }
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException or JsonException)
            {
                Fail($"{exception.GetType().Name}: {exception.Message}");
            }

            var elapsed = Stopwatch.GetElapsedTime(started).Ticks;
            Interlocked.Increment(ref _sent);
            long slowest;
            while (elapsed > (slowest = Interlocked.Read(ref _slowestTicks))
                && Interlocked.CompareExchange(ref _slowestTicks, elapsed, slowest) != slowest)
            {
            }
        }
    }

    private async Task<bool> CountAsync(string what, HttpResponseMessage response)
    {
        if ((int)response.StatusCode is >= 200 and < 400)
        {
            return true;
        }

        var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
        Fail($"{what}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
        return false;
    }

    private void Fail(string what)
    {
        Interlocked.Increment(ref _failed);
        if (_examples.Count < ExamplesKept)
        {
            _examples.Enqueue($"at {_clock.Elapsed.TotalSeconds:F2} s: {what}");
        }
    }
}

/// <summary>
/// The users and posts a <see cref="LoadLoop"/> works on. Readers' profiles and posts are only read,
/// so their JSON stays exactly as captured; writers publish posts (and so change their own counters).
/// </summary>
internal sealed class LoadData
{
    private LoadData(HttpClient anonymous) => Anonymous = anonymous;

    public HttpClient Anonymous { get; }

    public List<(Guid Id, Guid PostId, string Profile, string Post)> Readers { get; } = [];

    public List<HttpClient> Writers { get; } = [];

    public static async Task<LoadData> CreateAsync(Deployment stack, int readers, int writers)
    {
        var data = new LoadData(stack.Http);
        for (var i = 0; i < readers; i++)
        {
            var (id, client, _) = await stack.NewUserAsync();
            using (client)
            {
                using var created = await client.PostJson("/api/posts", new { body = $"reader {i}" });
                var postId = (await created.Json(HttpStatusCode.Created)).GetProperty("id").GetGuid();
                data.Readers.Add((id, postId, await ReadAsync(stack.Http, $"/api/users/{id}"), await ReadAsync(stack.Http, $"/api/posts/{postId}")));
            }
        }

        for (var i = 0; i < writers; i++)
        {
            data.Writers.Add((await stack.NewUserAsync()).Client);
        }

        return data;
    }

    /// <summary>GET that must answer 200; returns the body as compact JSON, to compare with a later read.</summary>
    public static async Task<string> ReadAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        return (await response.Json(HttpStatusCode.OK)).GetRawText();
    }
}

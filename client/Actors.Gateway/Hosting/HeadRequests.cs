namespace Actors.Gateway.Hosting;

/// <summary>
/// HEAD on every GET route (RFC 9110 9.3.2): the request runs as the GET it mirrors, so status and
/// headers (ETag, Cache-Control, a 304 on a matching If-None-Match) are the GET's own. The body the GET
/// writes is counted and dropped, and its length sent as Content-Length, as the GET would have.
/// </summary>
internal static class HeadRequests
{
    /// <summary>Call before routing, so the GET endpoint is the one matched.</summary>
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await next(http);
            return;
        }

        http.Request.Method = HttpMethods.Get;
        var body = http.Response.Body;
        var counted = new CountingStream();
        http.Response.Body = counted;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = body;
        }

        if (!http.Response.HasStarted && http.Response.ContentLength is null && counted.Length > 0)
        {
            http.Response.ContentLength = counted.Length;
        }
    });

    /// <summary>Counts what is written and keeps none of it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _length += count;
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Actors.Stack.Tests.Infrastructure;

/// <summary>One exported span, as an OTLP trace receiver got it.</summary>
internal sealed record ReceivedSpan(
    string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind,
    IReadOnlyList<(string TraceId, string SpanId)> Links, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/HTTP trace receiver on loopback (POST /v1/traces, protobuf), the endpoint the product's
/// OpenTelemetry exporter sends to as it would to Jaeger or a collector. It decodes the protobuf wire
/// format itself: the fields of ExportTraceServiceRequest a test reads.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly Task _serving;

    public OtlpReceiver()
    {
        Port = TestEnvironment.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using (var body = new MemoryStream())
            {
                await context.Request.InputStream.CopyToAsync(body);
                if (context.Request.Url?.AbsolutePath == "/v1/traces")
                {
                    foreach (var span in Decode(body.ToArray()))
                    {
                        _spans.Enqueue(span);
                    }
                }
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    // Resource { repeated KeyValue attributes = 1; }   ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
    private static IEnumerable<ReceivedSpan> Decode(byte[] request)
    {
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1)
            {
                continue;
            }

            var service = "";
            var scopes = new List<byte[]>();
            foreach (var (f, value) in Fields(resourceSpans))
            {
                if (f == 1)
                {
                    service = Attributes(value, 1).GetValueOrDefault("service.name", "");
                }
                else if (f == 2)
                {
                    scopes.Add(value);
                }
            }

            foreach (var scopeSpans in scopes)
            {
                var scope = "";
                foreach (var (f, value) in Fields(scopeSpans))
                {
                    if (f == 1)
                    {
                        scope = Text(Fields(value).FirstOrDefault(x => x.Field == 1).Value);
                    }
                    else if (f == 2)
                    {
                        yield return Span(service, scope, value);
                    }
                }
            }
        }
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6;
    //        repeated KeyValue attributes = 9; repeated Link links = 13; }   Link { bytes trace_id = 1; bytes span_id = 2; }
    private static ReceivedSpan Span(string service, string scope, byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var links = new List<(string, string)>();
        foreach (var (f, value) in Fields(span))
        {
            switch (f)
            {
                case 1: traceId = Convert.ToHexStringLower(value); break;
                case 2: spanId = Convert.ToHexStringLower(value); break;
                case 4: parent = Convert.ToHexStringLower(value); break;
                case 5: name = Text(value); break;
                case 6: kind = (int)ReadVarint(value, 0).Value; break;
                case 13:
                    var link = Fields(value).ToList();
                    links.Add((Convert.ToHexStringLower(link.First(x => x.Field == 1).Value), Convert.ToHexStringLower(link.First(x => x.Field == 2).Value)));
                    break;
            }
        }

        return new ReceivedSpan(service, scope, traceId, spanId, parent, name, kind, links, Attributes(span, 9));
    }

    // KeyValue { string key = 1; AnyValue value = 2; }   AnyValue { string string_value = 1; bool = 2; int64 = 3; ... }
    private static Dictionary<string, string> Attributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var (f, keyValue) in Fields(message))
        {
            if (f != field)
            {
                continue;
            }

            var parts = Fields(keyValue).ToList();
            var key = Text(parts.FirstOrDefault(x => x.Field == 1).Value);
            var any = parts.FirstOrDefault(x => x.Field == 2).Value;
            var text = any is null ? null : Fields(any).Where(x => x.Field == 1).Select(x => Text(x.Value)).FirstOrDefault();
            attributes[key] = text ?? "";
        }

        return attributes;
    }

    private static string Text(byte[]? value) => value is null ? "" : Encoding.UTF8.GetString(value);

    /// <summary>The fields of a protobuf message; varint and fixed values come back as their raw bytes.</summary>
    private static IEnumerable<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var (tag, next) = ReadVarint(message, position);
            position = next;
            var field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    var start = position;
                    position = ReadVarint(message, position).Next;
                    yield return (field, message[start..position]);
                    break;
                case 1:
                    yield return (field, message[position..(position + 8)]);
                    position += 8;
                    break;
                case 2:
                    var (length, at) = ReadVarint(message, position);
                    yield return (field, message[at..(at + (int)length)]);
                    position = at + (int)length;
                    break;
                case 5:
                    yield return (field, message[position..(position + 4)]);
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {tag & 7} at {position}");
            }
        }
    }

    private static (ulong Value, int Next) ReadVarint(byte[] data, int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return (value, position);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}

using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Actors.ServiceDefaults;

/// <summary>
/// Parent-based sampling with a share of new traces, and one addition: a new trace whose span links
/// to a sampled one is sampled too. Background work (an outbox relay's publish, a consumer's work)
/// starts traces of its own, linked to the write that caused it; with this, tracing a request also
/// traces the work it caused, and nothing else costs more.
/// </summary>
internal sealed class LinkedSampler(double ratio) : Sampler
{
    private static readonly SamplingResult Sampled = new(SamplingDecision.RecordAndSample);

    private readonly ParentBasedSampler _parentBased = new(new TraceIdRatioBasedSampler(ratio));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.ParentContext.TraceId == default && samplingParameters.Links is { } links)
        {
            foreach (var link in links)
            {
                if ((link.Context.TraceFlags & ActivityTraceFlags.Recorded) != 0)
                {
                    return Sampled;
                }
            }
        }

        return _parentBased.ShouldSample(samplingParameters);
    }
}

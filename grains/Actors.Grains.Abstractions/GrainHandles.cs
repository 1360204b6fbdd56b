using Orleans.GrainReferences;
using Orleans.Metadata;

namespace Actors.Grains.Abstractions;

/// <summary>
/// References to grains of one interface, for the hot paths: the gateway's reads, feed pages (about 40
/// grains each) and fan-out (one per follower). <see cref="IGrainFactory.GetGrain{TGrainInterface}(Guid, string)"/>
/// works out the interface's grain type from its attributes and formatted type name on every call, which
/// perf measured at a tenth of a silo's CPU on hot feed pages and 7% of the gateway's on hot profile
/// reads; this works it out once and then only builds the reference. The references are the same as the
/// factory's. Registered as an open generic singleton in silos and the gateway.
/// </summary>
public sealed class GrainHandles<TGrain>
    where TGrain : IGrainWithGuidKey
{
    private readonly GrainReferenceActivator _references;
    private readonly Lazy<(GrainType Grain, GrainInterfaceType Interface)> _types;

    public GrainHandles(
        GrainReferenceActivator references, GrainInterfaceTypeResolver interfaces, GrainInterfaceTypeToGrainTypeResolver implementations)
    {
        _references = references;
        _types = new(() =>
        {
            var interfaceType = interfaces.GetGrainInterfaceType(typeof(TGrain));
            return (implementations.GetGrainType(interfaceType), interfaceType);
        });
    }

    public TGrain Get(Guid id)
    {
        var (grain, @interface) = _types.Value;
        return (TGrain)(object)_references.CreateReference(GrainId.Create(grain, GrainIdKeyExtensions.CreateGuidKey(id)), @interface);
    }
}

using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Posts;
using Actors.Grains.Abstractions.Users;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Caching;

internal static class NearCacheSetup
{
    /// <summary>The near cache of leased profiles and posts, its options ("NearCache") and instruments.</summary>
    public static IServiceCollection AddActorsNearCache(this IServiceCollection services)
    {
        services.AddOptions<NearCacheOptions>().BindConfiguration(NearCacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NearCacheMetrics>();
        services.AddSingleton<Grantors>();
        services.AddHostedService<GrantorVouching>();
        services.AddSingleton(sp => new NearCache(
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<GrainHandles<IUserGrain>>(),
            sp.GetRequiredService<GrainHandles<IPostGrain>>(), sp.GetRequiredService<IOptions<NearCacheOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<NearCacheMetrics>(),
            sp.GetRequiredService<Grantors>()));
        return services;
    }
}

using Microsoft.Extensions.Options;

namespace Actors.Gateway.Hosting;

internal static class SettingsValidation
{
    /// <summary>Binds <typeparamref name="T"/> from <paramref name="section"/> and checks it when the gateway starts.</summary>
    public static OptionsBuilder<T> AddValidatedSettings<T>(this IServiceCollection services, string section)
        where T : class, IValidatedSettings
    {
        services.AddSingleton<IValidateOptions<T>, SettingsValidator<T>>();
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    private sealed class SettingsValidator<T> : IValidateOptions<T>
        where T : class, IValidatedSettings
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}

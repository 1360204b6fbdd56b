namespace Actors.Gateway.Hosting;

internal static class OpenApiSetup
{
    /// <summary>The OpenAPI document served at /openapi/v1.json and browsed at /docs.</summary>
    public static IServiceCollection AddActorsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Actors API";
            document.Info.Description = "Users, posts and sessions. Errors are application/problem+json with a stable `code`.";
            return Task.CompletedTask;
        }));
}

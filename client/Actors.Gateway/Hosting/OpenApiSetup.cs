using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace Actors.Gateway.Hosting;

internal static class OpenApiSetup
{
    private const string Bearer = "Bearer";

    /// <summary>
    /// The OpenAPI document served at /openapi/v1.json and browsed at /docs. It declares the bearer
    /// scheme and marks every operation that needs a token, so generated clients send one.
    /// </summary>
    public static IServiceCollection AddActorsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Actors API";
                document.Info.Description = "Users, posts and sessions. Errors are application/problem+json with a stable `code`.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "The token POST /api/sessions answers, as `Authorization: Bearer <token>`.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] });
                }

                return Task.CompletedTask;
            });
        });
}

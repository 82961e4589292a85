using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace PrivateFl.RestHost;

/// <summary>Puts an endpoint behind the API key: the <see cref="ApiKeyRequirement"/> metadata and the filter that enforces it.</summary>
internal static class ApiKeyEndpoints
{
    /// <summary>
    /// Refuses a request without the key with <c>401</c> (a problem document) when a key is set and
    /// <paramref name="appliesWhen"/> holds; the check runs before the body is read.
    /// </summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, string detail, Func<IServiceProvider, bool>? appliesWhen = null)
        where TBuilder : IEndpointConventionBuilder
    {
        var requirement = new ApiKeyRequirement(appliesWhen ?? (_ => true), detail);
        builder.WithMetadata(requirement);
        builder.AddEndpointFilter(async (context, next) =>
        {
            IServiceProvider services = context.HttpContext.RequestServices;
            if (requirement.IsRequired(services)
                && !ApiKeyRequirement.IsPresented(context.HttpContext.Request, services.GetRequiredService<IOptions<RestHostOptions>>().Value.ApiKey))
            {
                return Unauthorized(requirement.Detail);
            }

            return await next(context).ConfigureAwait(false);
        });
        return builder;
    }

    private static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.", detail: detail);
}

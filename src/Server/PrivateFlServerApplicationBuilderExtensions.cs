using PrivateFl.Server.Security;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the PrivateFl server's request pipeline.</summary>
public static class PrivateFlServerApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the checks that run before gRPC: plaintext requests on non-loopback addresses are refused, and every
    /// PrivateFl call is authenticated from its headers before its body is read (specs/api.md, "Authentication").
    /// Call it before <see cref="PrivateFlServerEndpointRouteBuilderExtensions.MapPrivateFlServer"/>; without it
    /// every federation call is refused.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IApplicationBuilder UsePrivateFlServer(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<PlaintextGuardMiddleware>();
        app.UseMiddleware<CallAuthenticationMiddleware>();
        return app;
    }
}

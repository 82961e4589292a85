using PrivateFl.Server.Services;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the PrivateFl gRPC services.</summary>
public static class PrivateFlServerEndpointRouteBuilderExtensions
{
    /// <summary>Maps the federation service (for banks) and the admin service (for operators).</summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IEndpointRouteBuilder MapPrivateFlServer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        PrivateFl.Protocol.V1.ProtoDescriptors.EnsureBuilt();
        endpoints.MapGrpcService<FederationService>();
        endpoints.MapGrpcService<AdminService>();
        return endpoints;
    }
}

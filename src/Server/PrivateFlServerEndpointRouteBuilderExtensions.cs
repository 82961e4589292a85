using Microsoft.Extensions.Options;
using PrivateFl.Server.Observability;
using PrivateFl.Server.Services;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the PrivateFl gRPC services.</summary>
public static class PrivateFlServerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the federation service (for banks), the admin service (for operators), the standard gRPC health service
    /// (<c>grpc.health.v1.Health</c>, no key needed) and, with <c>Observability:GrpcReflection</c>, gRPC reflection.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IEndpointRouteBuilder MapPrivateFlServer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        PrivateFl.Protocol.V1.ProtoDescriptors.EnsureBuilt();
        endpoints.MapGrpcService<FederationService>();
        endpoints.MapGrpcService<AdminService>();
        endpoints.MapGrpcHealthChecksService();
        if (endpoints.ServiceProvider.GetService<IOptions<ObservabilityOptions>>()?.Value.GrpcReflection == true)
        {
            endpoints.MapGrpcReflectionService();
        }
        return endpoints;
    }
}

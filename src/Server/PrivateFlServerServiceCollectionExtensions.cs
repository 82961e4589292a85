using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Observability;
using PrivateFl.Server.Options;
using PrivateFl.Server.Security;
using PrivateFl.Server.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PrivateFl aggregation server.</summary>
public static class PrivateFlServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the server's options (bound from the <c>ServerOptions</c>, <c>RoundOptions</c> and <c>StorageOptions</c>
    /// sections and validated at start-up), the store, the coordinator and the gRPC services. Idempotent.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder that chooses the store: <see cref="PrivateFlServerBuilder.UseSqlite"/> (the default, embedded) or <see cref="PrivateFlServerBuilder.UsePostgres"/>.</returns>
    /// <remarks>An <see cref="IFederationStore"/> registered before this call replaces the built-in providers.</remarks>
    public static PrivateFlServerBuilder AddPrivateFlServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new PrivateFlServerBuilder(services);
        if (services.Any(d => d.ServiceType == typeof(TrainingCoordinator)))
        {
            return builder;
        }

        services.AddOptions<ServerOptions>().BindConfiguration(nameof(ServerOptions)).ValidateOnStart();
        services.AddOptions<RoundOptions>().BindConfiguration(nameof(RoundOptions)).ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(nameof(StorageOptions)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RoundOptions>, RoundOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFederationStore>(CreateStore);
        services.TryAddSingleton<ReplayCache>();
        services.TryAddSingleton<CallLimiter>();
        services.TryAddSingleton<ICallSignatureVerifier, Ed25519CallSignatureVerifier>();
        services.AddHostedService<PrivateFl.Server.Hosting.BoundListenerCheck>();
        services.TryAddSingleton<SessionRegistry>();
        services.TryAddSingleton<RoundOpener>();
        services.TryAddSingleton<RoundReleaser>();

        // A server runs a silo (SiloHosting), so its rounds go through the session and round grains; a host that
        // composes the server without one keeps them in process.
        services.TryAddSingleton<IRoundCoordination>(provider => provider.GetService<IGrainFactory>() is { } grains && provider.GetService<ILocalSiloDetails>() is { } silo
            ? new PrivateFl.Server.Grains.GrainRoundCoordination(grains, silo, provider.GetRequiredService<IFederationStore>(), provider.GetRequiredService<IClusterMembershipService>())
            : ActivatorUtilities.CreateInstance<LocalRoundCoordination>(provider));
        services.TryAddSingleton<TrainingCoordinator>();
        services.AddHostedService<StoreMigration>();
        AddObservability(services);
        services.AddGrpc(options =>
        {
            options.Interceptors.Add<AuthenticationInterceptor>();
            options.Interceptors.Add<AuditInterceptor>();
        });
        services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<IOptions<ServerOptions>>((grpc, server) =>
        {
            grpc.MaxReceiveMessageSize = server.Value.MaxMessageBytes;
            grpc.MaxSendMessageSize = server.Value.MaxMessageBytes;
            grpc.EnableDetailedErrors = false;

            // Requests are read and checked by CallAuthenticationMiddleware, which refuses compressed ones; with no
            // provider gRPC could not inflate one either.
            grpc.CompressionProviders = [];
        });
        return builder;
    }

    private static void AddObservability(IServiceCollection services)
    {
        services.AddOptions<ObservabilityOptions>().BindConfiguration("Observability").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ObservabilityOptions>, ObservabilityOptionsValidator>());
        services.TryAddSingleton<ServerMetrics>();
        services.TryAddSingleton<ServerReadiness>();
        services.TryAddSingleton<AdminAudit>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ServerMetrics.MeterName).AddPrometheusExporter());
        services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>("store");
        services.AddGrpcReflection();
    }

    private static IFederationStore CreateStore(IServiceProvider services) =>
        services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProvider.Postgres
            ? ActivatorUtilities.CreateInstance<PostgresFederationStore>(services)
            : ActivatorUtilities.CreateInstance<SqliteFederationStore>(services);
}

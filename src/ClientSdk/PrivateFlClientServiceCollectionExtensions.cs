using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using PrivateFl.ClientSdk;
using PrivateFl.ClientSdk.Transport;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PrivateFl client SDK.</summary>
public static class PrivateFlClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="FederatedClient"/> with <see cref="FederatedClientOptions"/> bound from the
    /// <c>FederatedClientOptions</c> configuration section, then <paramref name="configure"/>, and
    /// <see cref="CsvLoadOptions"/> (the bank's header mapping) bound from the <c>CsvLoadOptions</c> section; validated
    /// on first use. Idempotent.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    /// <returns>The same collection, for chaining.</returns>
    public static IServiceCollection AddPrivateFlClient(this IServiceCollection services, Action<FederatedClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<FederatedClientOptions> options = services.AddOptions<FederatedClientOptions>().BindConfiguration(nameof(FederatedClientOptions));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FederatedClientOptions>, FederatedClientOptionsValidator>());
        services.AddOptions<CsvLoadOptions>().BindConfiguration(nameof(CsvLoadOptions));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CsvLoadOptions>, CsvLoadOptionsValidator>());
        services.TryAddSingleton<IClientSessionFactory>(ClientSessionFactory.Default);
        services.TryAddSingleton(provider => new FederatedClient(
            provider.GetRequiredService<IOptions<FederatedClientOptions>>().Value,
            null,
            provider.GetRequiredService<ILogger<FederatedClient>>(),
            null,
            provider.GetRequiredService<IClientSessionFactory>()));
        return services;
    }
}

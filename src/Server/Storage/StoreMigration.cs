namespace PrivateFl.Server.Storage;

/// <summary>Brings the database schema up to date before the server takes calls.</summary>
internal sealed class StoreMigration(IFederationStore store, Observability.ServerReadiness? readiness = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        readiness?.MarkStoreMigrated();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

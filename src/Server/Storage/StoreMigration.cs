namespace PrivateFl.Server.Storage;

/// <summary>Brings the database schema up to date before the server takes calls.</summary>
internal sealed class StoreMigration(IFederationStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

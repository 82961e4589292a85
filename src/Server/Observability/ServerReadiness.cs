namespace PrivateFl.Server.Observability;

/// <summary>What the health service reports: the server serves once its store is migrated.</summary>
internal sealed class ServerReadiness
{
    private volatile bool _storeMigrated;

    /// <summary>Gets whether the store's schema is up to date.</summary>
    public bool StoreMigrated => _storeMigrated;

    /// <summary>Records that the store migration finished.</summary>
    public void MarkStoreMigrated() => _storeMigrated = true;
}

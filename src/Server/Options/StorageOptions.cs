namespace PrivateFl.Server.Options;

/// <summary>Where the model registry and privacy ledger live. Bound from the <c>StorageOptions</c> configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary>Gets or sets the SQLite database file; created with its schema if missing. Default: <c>privatefl.db</c>.</summary>
    public string DatabasePath { get; set; } = "privatefl.db";
}

using Microsoft.Extensions.Options;
using Npgsql;

namespace PrivateFl.Server.Options;

/// <summary>Refuses to start without a usable database setting; never repeats a connection string (it may hold a password).</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) => options.Provider switch
    {
        StorageProvider.Sqlite => ValidateSqlite(options),
        StorageProvider.Postgres => ValidatePostgres(options),
        _ => ValidateOptionsResult.Fail($"StorageOptions:Provider '{options.Provider}' is not a provider; use Sqlite or Postgres."),
    };

    private static ValidateOptionsResult ValidateSqlite(StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            return ValidateOptionsResult.Fail("StorageOptions:DatabasePath must be set.");
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        return directory is not null && !Directory.Exists(directory)
            ? ValidateOptionsResult.Fail($"StorageOptions:DatabasePath '{options.DatabasePath}': the folder '{directory}' does not exist.")
            : ValidateOptionsResult.Success;
    }

    private static ValidateOptionsResult ValidatePostgres(StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("StorageOptions:ConnectionString must be set when StorageOptions:Provider is Postgres (for example Host=127.0.0.1;Port=5432;Database=privatefl;Username=privatefl;Password=…).");
        }

        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The parser's message can quote the offending value, which may be the password: name only the failure's kind.
            return ValidateOptionsResult.Fail($"StorageOptions:ConnectionString is not a valid PostgreSQL connection string ({ex.GetType().Name}); use Npgsql keywords such as Host, Port, Database, Username and Password separated by ';'.");
        }

        if (string.IsNullOrWhiteSpace(parsed.Host))
        {
            return ValidateOptionsResult.Fail("StorageOptions:ConnectionString must name a Host.");
        }

        return string.IsNullOrWhiteSpace(parsed.Database) && string.IsNullOrWhiteSpace(parsed.Username)
            ? ValidateOptionsResult.Fail("StorageOptions:ConnectionString must name a Database or a Username.")
            : ValidateOptionsResult.Success;
    }
}

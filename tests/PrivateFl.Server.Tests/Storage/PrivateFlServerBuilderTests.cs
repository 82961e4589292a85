using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Storage;

/// <summary>The store is chosen by <c>AddPrivateFlServer()</c>'s builder or by configuration, and checked at start-up.</summary>
public sealed class PrivateFlServerBuilderTests
{
    private const string Postgres = "Host=127.0.0.1;Port=5432;Database=privatefl;Username=privatefl;Password=builder-secret-99";

    [Fact]
    public void AddPrivateFlServer_NothingChosen_SqliteStore()
    {
        using ServiceProvider services = Services([], _ => { });

        Assert.IsType<SqliteFederationStore>(services.GetRequiredService<IFederationStore>());
    }

    [Fact]
    public void UsePostgres_ConnectionString_PostgresStoreWithThatConnectionString()
    {
        using ServiceProvider services = Services([], builder => builder.UsePostgres(Postgres));

        Assert.IsType<PostgresFederationStore>(services.GetRequiredService<IFederationStore>());
        StorageOptions options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        Assert.Equal((StorageProvider.Postgres, Postgres), (options.Provider, options.ConnectionString));
    }

    [Fact]
    public void Configuration_ProviderPostgres_PostgresStore()
    {
        using ServiceProvider services = Services(new() { ["StorageOptions:Provider"] = "Postgres", ["StorageOptions:ConnectionString"] = Postgres }, _ => { });

        Assert.IsType<PostgresFederationStore>(services.GetRequiredService<IFederationStore>());
    }

    [Fact]
    public void UseSqlite_ConfigurationSaysPostgres_CodeWinsWithItsPath()
    {
        using ServiceProvider services = Services(new() { ["StorageOptions:Provider"] = "Postgres", ["StorageOptions:ConnectionString"] = Postgres }, builder => builder.UseSqlite("chosen.db"));

        Assert.IsType<SqliteFederationStore>(services.GetRequiredService<IFederationStore>());
        Assert.Equal("chosen.db", services.GetRequiredService<IOptions<StorageOptions>>().Value.DatabasePath);
    }

    [Fact]
    public void AddPrivateFlServer_CalledTwice_OneStoreRegistration()
    {
        var collection = new ServiceCollection();

        PrivateFlServerBuilder first = collection.AddPrivateFlServer();
        PrivateFlServerBuilder second = collection.AddPrivateFlServer();

        Assert.Same(collection, first.Services);
        Assert.Same(collection, second.Services);
        Assert.Single(collection, d => d.ServiceType == typeof(IFederationStore));
    }

    [Fact]
    public void UsePostgres_Empty_Refused()
    {
        PrivateFlServerBuilder builder = new ServiceCollection().AddPrivateFlServer();

        Assert.Throws<ArgumentException>("connectionString", () => builder.UsePostgres(" "));
        Assert.Throws<ArgumentNullException>("connectionString", () => builder.UsePostgres(null!));
        Assert.Throws<ArgumentException>("databasePath", () => builder.UseSqlite(""));
    }

    [Theory]
    [InlineData("", "StorageOptions:ConnectionString must be set")]
    [InlineData("Host=127.0.0.1;Password=builder-secret-99;Port=not-a-port", "StorageOptions:ConnectionString is not a valid PostgreSQL connection string")]
    [InlineData("Password=builder-secret-99;Database=x", "StorageOptions:ConnectionString must name a Host")]
    [InlineData("Host=127.0.0.1;Password=builder-secret-99;NoSuchKeyword=builder-secret-99", "StorageOptions:ConnectionString is not a valid PostgreSQL connection string")]
    public void Validate_PostgresSettingUnusable_FailsNamingTheSettingNeverThePassword(string connectionString, string expected)
    {
        var options = new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = connectionString };

        ValidateOptionsResult result = new StorageOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("builder-secret-99", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownProvider_FailsNamingTheChoices()
    {
        ValidateOptionsResult result = new StorageOptionsValidator().Validate(null, new StorageOptions { Provider = (StorageProvider)5 });

        Assert.Contains("use Sqlite or Postgres", result.FailureMessage, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> configuration, Action<PrivateFlServerBuilder> choose)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        collection.AddLogging();
        choose(collection.AddPrivateFlServer());
        return collection.BuildServiceProvider();
    }
}

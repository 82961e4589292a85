using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateFl.ClientSdk;

namespace PrivateFl.IntegrationTests;

/// <summary>A bank configures its header mapping (<c>CsvLoadOptions</c>) like the SDK's other options.</summary>
public sealed class CsvLoadOptionsConfigurationTests
{
    [Fact]
    public void AddPrivateFlClient_CsvLoadOptionsSection_BindsTheMappingAndItLoadsTheBanksExport()
    {
        using ServiceProvider services = Services(new()
        {
            ["CsvLoadOptions:ColumnMapping:Credit limit"] = "LIMIT_BAL",
            ["CsvLoadOptions:ColumnMapping:Defaulted"] = "default",
            ["CsvLoadOptions:MaxRows"] = "500",
        });

        CsvLoadOptions options = services.GetRequiredService<IOptions<CsvLoadOptions>>().Value;
        string[] lines = [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "taiwan_credit_card_default.csv")).Take(101)];
        lines[0] = lines[0].Replace("LIMIT_BAL", "Credit limit", StringComparison.Ordinal).Replace(",default", ",Defaulted", StringComparison.Ordinal);
        using var csv = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines)));
        CreditDataset data = DatasetLoader.LoadCsv(csv, CreditSchemas.TaiwanCredit, options);

        Assert.Equal(new Dictionary<string, string> { ["Credit limit"] = "LIMIT_BAL", ["Defaulted"] = "default" }, options.ColumnMapping);
        Assert.Equal(500, options.MaxRows);
        Assert.Equal(100, data.RowCount);
    }

    [Fact]
    public void AddPrivateFlClient_TwoHeadersForOneColumn_FailsNamingTheSetting()
    {
        using ServiceProvider services = Services(new()
        {
            ["CsvLoadOptions:ColumnMapping:Limit"] = "LIMIT_BAL",
            ["CsvLoadOptions:ColumnMapping:Credit limit"] = "LIMIT_BAL",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CsvLoadOptions>>().Value);

        Assert.Contains("CsvLoadOptions:ColumnMapping:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("is already the target of the header", ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton(configuration).AddPrivateFlClient().BuildServiceProvider();
    }
}

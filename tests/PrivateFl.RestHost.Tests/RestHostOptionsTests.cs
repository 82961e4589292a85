namespace PrivateFl.RestHost.Tests;

/// <summary>The documented defaults, and start-up refusing a setting out of its range, naming it.</summary>
public sealed class RestHostOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new RestHostOptions();

        Assert.Equal("german-credit", options.Schema);
        Assert.Equal(
            (TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), 64L << 20, 1_000_000, 64L << 10, 64, 4096),
            (options.ModelRefreshInterval, options.ServerProbeTimeout, options.MaxDatasetBytes, options.MaxDatasetRows, options.MaxRequestBodyBytes, options.MaxRequestFields, options.MaxFieldLength));
    }

    [Theory]
    [InlineData(nameof(RestHostOptions.MaxDatasetBytes))]
    [InlineData(nameof(RestHostOptions.MaxDatasetRows))]
    [InlineData(nameof(RestHostOptions.MaxRequestBodyBytes))]
    [InlineData(nameof(RestHostOptions.MaxRequestFields))]
    [InlineData(nameof(RestHostOptions.MaxFieldLength))]
    [InlineData(nameof(RestHostOptions.ModelRefreshInterval))]
    [InlineData(nameof(RestHostOptions.ServerProbeTimeout))]
    public void Validate_SettingOutOfRange_FailsNamingIt(string setting)
    {
        var options = new RestHostOptions { DataRoot = Path.GetTempPath() };
        switch (setting)
        {
            case nameof(RestHostOptions.MaxDatasetBytes): options.MaxDatasetBytes = 0; break;
            case nameof(RestHostOptions.MaxDatasetRows): options.MaxDatasetRows = -1; break;
            case nameof(RestHostOptions.MaxRequestBodyBytes): options.MaxRequestBodyBytes = 1L << 30; break;
            case nameof(RestHostOptions.MaxRequestFields): options.MaxRequestFields = 1025; break;
            case nameof(RestHostOptions.MaxFieldLength): options.MaxFieldLength = 0; break;
            case nameof(RestHostOptions.ModelRefreshInterval): options.ModelRefreshInterval = TimeSpan.Zero; break;
            default: options.ServerProbeTimeout = TimeSpan.FromHours(1); break;
        }

        Microsoft.Extensions.Options.ValidateOptionsResult result = new RestHostOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"RestHostOptions:{setting}", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-such-schema")]
    [InlineData("{\"name\":\"broken\"}")]
    public void Validate_SchemaNeitherBuiltInNorAValidFile_FailsNamingIt(string content)
    {
        string file = Path.Combine(Path.GetTempPath(), $"privatefl-schema-{Guid.NewGuid():n}.json");
        bool isFile = content.StartsWith('{');
        if (isFile)
        {
            File.WriteAllText(file, content);
        }

        try
        {
            var options = new RestHostOptions { DataRoot = Path.GetTempPath(), Schema = isFile ? file : content };

            Microsoft.Extensions.Options.ValidateOptionsResult result = new RestHostOptionsValidator().Validate(null, options);

            Assert.True(result.Failed);
            Assert.Contains("RestHostOptions:Schema", result.FailureMessage, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Resolve_SchemaFile_ReadsItAndBuiltInNamesGiveTheBuiltIns()
    {
        string file = Path.Combine(Path.GetTempPath(), $"privatefl-schema-{Guid.NewGuid():n}.json");
        File.WriteAllText(file, PrivateFl.ClientSdk.CreditSchemas.TaiwanCredit.ToJson(indented: true));
        try
        {
            Assert.Equal(PrivateFl.ClientSdk.CreditSchemas.TaiwanCredit.Hash, HostSchema.Resolve(file).Schema!.Hash);
            Assert.Same(PrivateFl.ClientSdk.CreditSchemas.GermanCredit, HostSchema.Resolve("german-credit").Schema);
            Assert.Same(PrivateFl.ClientSdk.CreditSchemas.TaiwanCredit, HostSchema.Resolve("taiwan-credit").Schema);
            Assert.True(new RestHostOptionsValidator().Validate(null, new RestHostOptions { DataRoot = Path.GetTempPath(), Schema = file }).Succeeded);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new RestHostOptionsValidator().Validate(null, new RestHostOptions { DataRoot = Path.GetTempPath() }).Succeeded);
}

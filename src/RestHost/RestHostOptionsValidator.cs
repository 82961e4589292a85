using Microsoft.Extensions.Options;

namespace PrivateFl.RestHost;

/// <summary>Refuses to start with a setting outside its documented range, naming the setting.</summary>
internal sealed class RestHostOptionsValidator : IValidateOptions<RestHostOptions>
{
    public ValidateOptionsResult Validate(string? name, RestHostOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataRoot))
        {
            failures.Add("RestHostOptions:DataRoot must be set.");
        }
        else if (!Directory.Exists(options.DataRoot))
        {
            failures.Add($"RestHostOptions:DataRoot '{options.DataRoot}' is not an existing folder.");
        }

        if (string.IsNullOrWhiteSpace(options.SessionId))
        {
            failures.Add("RestHostOptions:SessionId must be set.");
        }

        if (options.RequireApiKeyForPredict && string.IsNullOrEmpty(options.ApiKey))
        {
            failures.Add("RestHostOptions:RequireApiKeyForPredict is true but RestHostOptions:ApiKey is empty: set the key /fl_predict should require.");
        }

        (ClientSdk.FeatureSchema? schema, string? schemaProblem) = HostSchema.Resolve(options.Schema);
        if (schemaProblem is not null)
        {
            failures.Add(schemaProblem);
        }

        if (schema is not null && PredictFields.Problem(schema, options.ColumnMapping) is { } fieldProblem)
        {
            failures.Add($"RestHostOptions:Schema: {fieldProblem}");
        }

        // Without a schema the mapping's form is still checked; its targets are checked once the schema is fixed.
        failures.AddRange(ClientSdk.CsvLoadOptions.Problems(options.ColumnMapping, schema).Select(problem => "RestHostOptions:" + problem));

        Check(failures, nameof(options.ModelRefreshInterval), options.ModelRefreshInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Check(failures, nameof(options.ServerProbeTimeout), options.ServerProbeTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        Check(failures, nameof(options.MaxDatasetBytes), options.MaxDatasetBytes, 1024, 16L << 30);
        Check(failures, nameof(options.MaxDatasetRows), options.MaxDatasetRows, 1, 100_000_000);
        Check(failures, nameof(options.MaxRequestBodyBytes), options.MaxRequestBodyBytes, 1024, 16 << 20);
        Check(failures, nameof(options.MaxRequestFields), options.MaxRequestFields, 1, 1024);
        Check(failures, nameof(options.MaxFieldLength), options.MaxFieldLength, 16, 1 << 20);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check<T>(List<string> failures, string setting, T value, T minimum, T maximum)
        where T : IComparable<T>
    {
        if (value.CompareTo(minimum) < 0 || value.CompareTo(maximum) > 0)
        {
            failures.Add($"RestHostOptions:{setting} is {value}; allowed: {minimum} to {maximum}.");
        }
    }
}

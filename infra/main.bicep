// ScenarioEngine on Azure: a Function App on the Flex Consumption plan running src/ScenarioEngine.Functions (the .NET
// isolated worker, runtime "dotnet-isolated"), a Storage account (tables and queues of the engine, and the deployment
// container), Application Insights, and a Key Vault holding every secret; app settings reference the secrets with Key Vault
// references.
//
// Not compiled here: no Bicep compiler is reachable in this build environment. Run `az bicep build --file infra/main.bicep`
// (or `az deployment group what-if`) before the first deployment. A test checks that every setting the host reads is listed
// in appSettings below and in local.settings.sample.json.
//
// Deploy:  az deployment group create -g <group> -f infra/main.bicep -p name=<name> eventsApiKey=<key> adminApiKey=<key> ...
// Publish: ./publish.sh, then zip publish/functionapp and `az functionapp deployment source config-zip` (see docs/hosting.md).
// Check the runtime version against `az functionapp list-flexconsumption-runtimes --location <region> --runtime dotnet-isolated`.

@description('Base name of the resources (3 to 16 lowercase letters and digits).')
@minLength(3)
@maxLength(16)
param name string

@description('Region.')
param location string = resourceGroup().location

@description('API key(s) of the events scope (shops), comma-separated.')
@secure()
param eventsApiKey string

@description('API key(s) of the admin scope (marketers, operators), comma-separated.')
@secure()
param adminApiKey string

@description('SendGrid API key; empty records email instead of sending it.')
@secure()
param sendGridApiKey string = ''

@description('SendGrid Event Webhook verification key; empty disables the webhook.')
@secure()
param sendGridWebhookPublicKey string = ''

@description('Default sender, e.g. "Shop <hello@shop.example>".')
param sendGridFrom string = ''

@description('LINE channel access token; empty records LINE messages instead.')
@secure()
param lineChannelAccessToken string = ''

@description('Where webhook messages go; empty records them instead.')
param webhookUrl string = ''

@description('HMAC secret of webhook messages.')
@secure()
param webhookSecret string = ''

@description('Service Bus connection string for integration events; empty publishes none (or use serviceBusNamespace with the app\'s identity).')
@secure()
param serviceBusConnectionString string = ''

@description('Service Bus namespace reached with the app\'s managed identity instead of a connection string, e.g. shop.servicebus.windows.net.')
param serviceBusNamespace string = ''

@description('Service Bus topic the integration events go to.')
param serviceBusTopic string = ''

@description('Number of events queues (Engine__EventQueueCount). The app has the functions Events0 to Events15; those at or past the count are disabled below.')
@minValue(1)
@maxValue(16)
param eventQueueCount int = 4

@description('Durable Functions task hub of the journey orchestrations (host.json hubName, %Journeys:TaskHubName%): 3 to 45 letters and digits starting with a letter, one per app sharing the storage account.')
@minLength(3)
@maxLength(45)
param taskHubName string = 'journeys'

@description('Most instances Flex Consumption may scale to.')
param maximumInstanceCount int = 40

var storageName = toLower('${name}st${uniqueString(resourceGroup().id)}')
var vaultName = toLower('${name}-kv-${take(uniqueString(resourceGroup().id), 6)}')
var deploymentContainer = 'deployments'
var kvSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
var blobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    // The engine's Table and Queue clients authenticate with the account key (SharedKey).
    allowSharedKeyAccess: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
  }
}

var secrets = {
  StorageConnection: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  EventsApiKey: eventsApiKey
  AdminApiKey: adminApiKey
  SendGridApiKey: sendGridApiKey
  SendGridWebhookPublicKey: sendGridWebhookPublicKey
  LineChannelAccessToken: lineChannelAccessToken
  WebhookSecret: webhookSecret
  ServiceBusConnection: serviceBusConnectionString
}

// Key Vault refuses empty secrets: an optional secret left empty is not stored, and its app setting stays empty.
resource vaultSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for secret in items(secrets): if (!empty(secret.value)) {
  parent: vault
  name: secret.key
  properties: { value: secret.value }
}]

// Functions triggers are static: the events-queue functions past the configured count are switched off (AzureWebJobs.<name>.Disabled).
var disabledEventFunctions = [for i in range(eventQueueCount, 16 - eventQueueCount): { name: 'AzureWebJobs.Events${i}.Disabled', value: 'true' }]

func kvRef(vaultUri string, secret string, value string) string => empty(value) ? '' : '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secret}/)'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${name}-app'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: 'SystemAssigned'
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      // The isolated-worker app from publish.sh (publish/functionapp).
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: concat([
        { name: 'AzureWebJobsStorage', value: kvRef(vault.properties.vaultUri, 'StorageConnection', secrets.StorageConnection) }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'Engine__CustomersTable', value: 'customers' }
        { name: 'Engine__DefinitionsTable', value: 'definitions' }
        { name: 'Engine__AuditTable', value: 'audit' }
        { name: 'Publishing__ConfirmAbove', value: '1000' }
        { name: 'RateLimits__Window', value: '00:00:01' }
        { name: 'RateLimits__Events', value: '10000' }
        { name: 'RateLimits__Read', value: '1000' }
        { name: 'RateLimits__Write', value: '1000' }
        { name: 'RateLimits__Publish', value: '100' }
        { name: 'RateLimits__Anonymous', value: '1000' }
        { name: 'Journeys__TaskHubName', value: taskHubName }
        { name: 'Journeys__Instances__WaitForStartBeforeRaise', value: 'true' }
        { name: 'Journeys__Instances__StartWaitTimeout', value: '00:00:30' }
        { name: 'Engine__QueuePrefix', value: 'se' }
        { name: 'Engine__EventQueueCount', value: string(eventQueueCount) }
        { name: 'Engine__Workers', value: 'false' }
        { name: 'Journeys__PartitionCount', value: '4' }
        { name: 'Journeys__MaxQueuePollingInterval', value: '00:00:01' }
        { name: 'Journeys__MaxActivityAttempts', value: '5' }
        { name: 'Journeys__ActivityRetryInterval', value: '00:00:05' }
        { name: 'Journeys__QueueVisibilityTimeout', value: '00:05:00' }
        { name: 'Journeys__ExtendedSessions', value: 'true' }
        { name: 'Journeys__ExtendedSessionIdleTimeout', value: '00:00:30' }
        { name: 'Journeys__MaxConcurrentActivities', value: '100' }
        { name: 'Journeys__MaxConcurrentOrchestrations', value: '200' }
        { name: 'Journeys__MaxWaitPointsPerExecution', value: '20' }
        { name: 'Journeys__MaxSendAttempts', value: '10' }
        { name: 'Journeys__TimerPadding', value: '00:00:01' }
        { name: 'Engine__IdlePollDelay', value: '00:00:01' }
        { name: 'Engine__CountsInterval', value: '00:01:00' }
        { name: 'Engine__ScheduledTriggersInterval', value: '00:05:00' }
        { name: 'Engine__CatalogRefreshInterval', value: '00:00:30' }
        { name: 'Engine__DefaultTimeZone', value: 'Asia/Tokyo' }
        { name: 'Engine__QuietHours', value: '21:00-09:00' }
        { name: 'Engine__Caps', value: '*:3/P1D' }
        { name: 'Engine__OverCap', value: 'skip' }
        { name: 'Engine__AnalyticsInterval', value: '1.00:00:00' }
        { name: 'Sending__EmailConfirmationWindow', value: '01:00:00' }
        { name: 'Journeys__Tables__SendingTable', value: 'sending' }
        { name: 'Sending__Rate__email', value: '0' }
        { name: 'Sending__Rate__line', value: '0' }
        { name: 'Sending__Rate__webhook', value: '0' }
        { name: 'Sending__Rate__postcard', value: '0' }
        { name: 'Sending__RateWindow', value: '00:01:00' }
        { name: 'Sending__RateShards', value: '1' }
        { name: 'Sending__Circuit__FailureThreshold', value: '5' }
        { name: 'Sending__Circuit__FailureWindow', value: '00:01:00' }
        { name: 'Sending__Circuit__CoolDown', value: '00:01:00' }
        { name: 'Sending__Circuit__MaxCoolDown', value: '00:15:00' }
        { name: 'Sending__Circuit__TrialTimeout', value: '00:00:30' }
        { name: 'Sending__Circuit__TrialRecheckInterval', value: '00:00:05' }
        { name: 'Sending__Circuit__RefreshInterval', value: '00:00:01' }
        { name: 'Engine__LeadScoring__HalfLife', value: '30.00:00:00' }
        { name: 'Engine__LeadScoring__HotThreshold', value: '50' }
        { name: 'ApiKeys__Events', value: kvRef(vault.properties.vaultUri, 'EventsApiKey', eventsApiKey) }
        { name: 'ApiKeys__Admin', value: kvRef(vault.properties.vaultUri, 'AdminApiKey', adminApiKey) }
        { name: 'SendGrid__ApiKey', value: kvRef(vault.properties.vaultUri, 'SendGridApiKey', sendGridApiKey) }
        { name: 'SendGrid__From', value: sendGridFrom }
        { name: 'SendGrid__WebhookPublicKey', value: kvRef(vault.properties.vaultUri, 'SendGridWebhookPublicKey', sendGridWebhookPublicKey) }
        { name: 'Line__ChannelAccessToken', value: kvRef(vault.properties.vaultUri, 'LineChannelAccessToken', lineChannelAccessToken) }
        { name: 'Webhook__Url', value: webhookUrl }
        { name: 'Webhook__Secret', value: kvRef(vault.properties.vaultUri, 'WebhookSecret', webhookSecret) }
        { name: 'ServiceBus__ConnectionString', value: kvRef(vault.properties.vaultUri, 'ServiceBusConnection', serviceBusConnectionString) }
        { name: 'ServiceBus__FullyQualifiedNamespace', value: serviceBusNamespace }
        { name: 'ServiceBus__Topic', value: serviceBusTopic }
        { name: 'ServiceBus__BufferCapacity', value: '10000' }
        { name: 'ServiceBus__MaxBatchSize', value: '100' }
        { name: 'ServiceBus__MaxAttempts', value: '10' }
        { name: 'ServiceBus__MinRetryDelay', value: '00:00:01' }
        { name: 'ServiceBus__MaxRetryDelay', value: '00:01:00' }
        { name: 'ServiceBus__ShutdownTimeout', value: '00:00:10' }
        { name: 'Templates__DataPaths', value: '' }
        { name: 'Samples__Load', value: 'false' }
        { name: 'Samples__Path', value: '' }
      ], disabledEventFunctions)
    }
  }
  dependsOn: [ vaultSecrets ]
}

resource appReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, app.id, kvSecretsUser)
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', kvSecretsUser)
  }
}

resource appReadsDeployments 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, app.id, blobDataOwner)
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwner)
  }
}

output functionAppName string = app.name
output apiBaseUrl string = 'https://${app.properties.defaultHostName}/api'
output keyVaultName string = vault.name

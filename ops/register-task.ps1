# 郏县政务失信问题排查整治台账：在 Windows“任务计划程序”中登记每周任务
# （默认每周五 09:00：先收取邮箱中的台账，再处理本期收件箱，输出追加到 logs\weekly.log）。
#
# 用法：以将来运行任务的 Windows 用户登录，在本文件夹中打开 PowerShell，执行
#   powershell -ExecutionPolicy Bypass -File .\register-task.ps1
#   powershell -ExecutionPolicy Bypass -File .\register-task.ps1 -Day Thursday -At 17:30   # 改时间
# 取消任务：Unregister-ScheduledTask -TaskName JiaxianLedgerWeekly
#
# 不用 PowerShell 时，可在“命令提示符”中执行等效命令（路径按实际修改）：
#   schtasks /Create /SC WEEKLY /D FRI /ST 09:00 /TN JiaxianLedgerWeekly /TR "\"D:\jiaxian-ledger\ops\run-weekly.bat\" /nopause"
#
# 邮箱密码（授权码）放在当前用户的环境变量中（名称见 config.yaml 的 mail.imap.password_env）：
#   setx JIAXIAN_MAIL_PASSWORD "授权码"
param(
    [string]$TaskName = "JiaxianLedgerWeekly",
    [System.DayOfWeek]$Day = [System.DayOfWeek]::Friday,
    [string]$At = "09:00"
)
$ErrorActionPreference = "Stop"

$project = Split-Path -Parent $PSScriptRoot
$bat = Join-Path $PSScriptRoot "run-weekly.bat"
if (-not (Test-Path (Join-Path $project ".venv\Scripts\python.exe"))) {
    Write-Warning "没有找到 $project\.venv\Scripts\python.exe，请先按 README.md 安装，再运行本脚本。"
}

$action = New-ScheduledTaskAction -Execute "cmd.exe" -Argument "/c `"`"$bat`" /nopause`"" -WorkingDirectory $project
$trigger = New-ScheduledTaskTrigger -Weekly -DaysOfWeek $Day -At $At
$settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -MultipleInstances IgnoreNew `
    -ExecutionTimeLimit (New-TimeSpan -Hours 1)
Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings `
    -Description "郏县政务失信台账：收取邮件中的台账并生成本期汇总、通报和反馈（$project）" -Force | Out-Null

Write-Host "已登记任务 ${TaskName}：每周 $Day $At 运行 $bat"
Write-Host "立即试运行：Start-ScheduledTask -TaskName $TaskName ；结果见 $project\logs\weekly.log"

@echo off
rem Jia County credit office ledger: fetch ledgers from the mailbox, then process this period's inbox.
rem Double-click to run it by hand (the window stays open at the end).
rem The scheduled task (register-task.ps1) calls it with /nopause and the output goes to logs\weekly.log.
rem ASCII only on purpose: cmd.exe reads .bat files in the console code page, so Chinese text here would
rem break; the Chinese messages come from the program itself.
setlocal
cd /d "%~dp0.."
if not exist "logs" mkdir "logs"
set "PY=.venv\Scripts\python.exe"
if not exist "%PY%" (
  echo Python environment not found: %CD%\%PY%  - see README.md, section 1
  if /i not "%~1"=="/nopause" pause
  exit /b 2
)
if /i "%~1"=="/nopause" (
  call :work >> "logs\weekly.log" 2>&1
) else (
  call :work
  pause
)
exit /b %RC%

:work
echo ==== %DATE% %TIME% ====
rem A failed fetch (server down, wrong password) must not stop processing the files already in the inbox.
"%PY%" -m pipeline fetch-mail
"%PY%" -m pipeline run
set "RC=%ERRORLEVEL%"
exit /b %RC%
